"""Problem management: the cause behind recurring incidents, studied by tier 2.

``records`` holds the state machine and the one way a problem is loaded and changed;
``operations`` every change (create, link, lifecycle); ``queries`` the reads; ``recurring`` the
job that suggests problems from recurring incidents.
"""
