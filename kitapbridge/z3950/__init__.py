"""Z39.50 target for copy cataloguing."""
