"""/verify/: anyone types the fingerprint printed on a poster or page and learns which
village and which item it is, and whether it still matches what the portal shows."""
