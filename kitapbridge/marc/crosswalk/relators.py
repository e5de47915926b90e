"""RUSMARC/UNIMARC relator codes (7XX ``$4``) → MARC21 relator code and Russian term.

Transcribed from ``seed-format-marc`` ``dialects/rusmarc/rusmarc_relator_codes.json`` (numeric code,
Russian and English names) matched by English name against the id.loc.gov MARC relator list
(``dialects/marc21/marc21-relators.json``). Codes the names did not match were resolved by hand from
the LoC UNIMARC→MARC21 specification: 075 aft, 080 aui, 205 clb, 273 cur, 557 orm, 584 inv, 587 pth,
595 res, 650 pbl (absent from the JSON, listed in the LoC spec), 755 voc. 000 (undetermined
function) has no MARC21 code. The Russian term is the RUSMARC name, first letter lower-cased.
"""

from __future__ import annotations

#: numeric code → (MARC21 relator code or None, Russian relator term)
RELATORS: dict[str, tuple[str | None, str]] = {
    "000": (None, "функция не определена"),  # Undetermined function
    "005": ("act", "актер"),  # Actor
    "010": ("adp", "автор адаптации"),  # Adapter
    # Agency making a reproduction available
    "015": ("pma", "организация-участник создания, публикации и предоставления доступа к копии"),
    "018": ("anm", "аниматор"),  # Animator
    "020": ("ann", "аннотатор"),  # Annotator
    "030": ("arr", "аранжировщик"),  # Arranger
    "040": ("art", "художник"),  # Artist
    "050": ("asg", "правопреемник"),  # Assignee
    "060": ("asn", "ассоциированное имя"),  # Associated name
    "062": ("att", "автор, которому атрибутировано произведение"),  # Attributed name
    "065": ("auc", "аукционист"),  # Auctioneer
    "070": ("aut", "автор"),  # Author
    "072": ("aqt", "автор цитат или выдержек из текста"),  # Author of quotations or text extracts
    "075": ("aft", "автор послесловия, колофона и т.п."),  # Author of afterword
    "080": ("aui", "автор предисловия и т.п."),  # Author of introduction
    "090": ("aud", "автор диалогов"),  # Author of dialogue
    "100": ("ant", "библиографический предшественник"),  # Bibliographic antecedent
    "130": ("bkd", "оформитель книги"),  # Book designer
    "190": ("cns", "цензор"),  # Censor
    "195": ("msd", "руководитель хора"),  # Choral director
    "202": ("prf", "цирковой исполнитель"),  # Performer
    "205": ("clb", "сотрудник"),  # Collaborator
    "206": ("fld", "собиратель фольклора"),  # Collector of field material
    "207": ("prf", "комедиант"),  # Comedian
    "210": ("cmm", "комментатор"),  # Commentator
    "212": ("cwt", "комментатор печатного текста"),  # Commentator for written text
    "220": ("com", "составитель"),  # Compiler
    "230": ("cmp", "композитор"),  # Composer
    "233": ("cmp", "композитор адаптированного произведения"),  # Composer of adapted work
    # Composer of main musical work
    "236": ("cmp", "композитор основного музыкального произведения"),
    "245": ("ccp", "автор идеи"),  # Conceptor
    "250": ("cnd", "дирижер"),  # Conductor
    "255": ("csp", "консультант проекта"),  # Consultant to a project
    "257": ("ctb", "продолжатель"),  # Continuator
    "270": ("crr", "корректор рукописей"),  # Corrector
    "273": ("cur", "куратор выставки"),  # Curator of an exhibition
    "275": ("dnc", "танцовщик"),  # Dancer
    "280": ("dte", "объект посвящения"),  # Dedicatee
    "290": ("dto", "автор посвящения"),  # Dedicator
    "295": ("dgg", "организация, утвердившая ученую степень"),  # Degree-grantor
    "300": ("drt", "режиссер"),  # Director
    "303": ("mus", "диск-жокей"),  # Disc jockey
    "305": ("dis", "соискатель"),  # Dissertant
    "310": ("dst", "распространитель"),  # Distributor
    "320": ("dnr", "даритель"),  # Donor
    "330": ("dub", "неподтвержденный автор"),  # Dubious author
    "340": ("edt", "редактор"),  # Editor
    "365": ("exp", "эксперт"),  # Expert
    # Former Attributed author
    "385": ("att", "автор, которому произведение было атрибутировано ранее"),
    "390": ("fmo", "бывший владелец"),  # Former owner
    "395": ("asn", "основатель"),  # Founder
    "400": ("fnd", "заказчик, капиталовкладчик"),  # Funder
    "410": ("art", "технолог по графике"),  # Graphic technician
    "420": ("hnr", "объект чествования"),  # Honoree
    "430": ("ilu", "иллюминатор"),  # Illuminator
    "440": ("ill", "иллюстратор"),  # Illustrator
    "445": ("sgd", "импресарио"),  # Impresario
    "450": ("ins", "автор дарственной надписи"),  # Inscriber
    "475": ("isb", "издающая организация"),  # Issuing body
    "480": ("lbt", "либреттист"),  # Librettist
    "490": ("lse", "лицензиат"),  # Licensee
    "500": ("lso", "лицензиар"),  # Licensor
    "510": ("ltg", "литографист"),  # Lithographer
    "520": ("lyr", "лирик"),  # Lyricist
    "535": ("art", "артист пантомимы"),  # Mime artist
    "540": ("pbd", "ответственный за выпуск"),  # Publishing director
    "545": ("mus", "музыкант"),  # Musician
    "550": ("nrt", "диктор"),  # Narrator
    "555": ("opn", "оппонент"),  # Opponent
    "557": ("orm", "организатор конференции"),  # Organiser of meeting
    "560": ("org", "инициатор идеи"),  # Originator
    "570": ("oth", "прочие"),  # Other
    "582": ("pta", "патент, заявитель"),  # Patent applicant
    "584": ("inv", "изобретатель"),  # Patent inventor
    "587": ("pth", "патентообладатель"),  # Patentee
    "590": ("prf", "исполнитель"),  # Performer
    "595": ("res", "исполнитель исследований"),  # Performer of research
    "600": ("pht", "фотограф"),  # Photographer
    "605": ("osp", "ведущий программы"),  # Onscreen presenter
    "610": ("prt", "печатник"),  # Printer
    "620": ("pop", "печатник с печатных форм"),  # Printer of plates
    "630": ("pro", "продюсер"),  # Producer
    "632": ("prs", "художник-постановщик"),  # Production designer
    "633": ("prd", "творческая группа"),  # Production personnel
    "635": ("prg", "программист"),  # Programmer
    "637": ("pdr", "менеджер проекта"),  # Project manager
    "640": ("pfr", "корректор печатного текста"),  # Proof reader
    "650": ("pbl", "издатель"),  # Publisher
    "655": ("ppt", "кукловод"),  # Puppeteer
    "660": ("crp", "получатель писем"),  # Recipient of letters
    "665": ("pro", "продюсер записи"),  # Record producer
    "670": ("rce", "инженер записи"),  # Recording engineer
    "673": ("rth", "исследовательский коллектив, руководитель"),  # Research Team Head
    "675": ("rev", "автор обозрения, рецензии"),  # Reviewer
    "677": ("rtm", "исследовательский коллектив, участник"),  # Research Team Member
    "690": ("sce", "сценарист"),  # Scenarist
    "695": ("sad", "научный консультант"),  # Scientific advisor
    "700": ("scr", "писарь"),  # Scribe
    "705": ("scl", "скульптор"),  # Sculptor
    "710": ("sec", "секретарь"),  # Secretary
    "720": ("sgn", "подписавшее лицо"),  # Signer
    "721": ("sng", "певец"),  # Singer
    "723": ("spn", "спонсор"),  # Sponsor
    "725": ("stn", "агентство по стандартам"),  # Standards body
    "726": ("prf", "исполнитель трюков"),  # Stunt performer
    "727": ("dgs", "научный руководитель"),  # Degree supervisor
    "730": ("trl", "переводчик"),  # Translator
    "740": ("tyd", "разработчик шрифта"),  # Type designer
    "750": ("tyg", "технический редактор, типограф"),  # Typographer
    "753": ("sll", "торговец"),  # Vendor
    "755": ("voc", "вокалист"),  # Vocalist
    "770": ("wam", "автор сопроводительного материала"),  # Writer of accompanying material
}
