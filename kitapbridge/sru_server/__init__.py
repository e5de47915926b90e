"""SRU 1.1/1.2/2.0 server.

request parsing per version, CQL handling, explain and response writers.
"""
