"""A release's social distribution: share links and captions (sharing), the log of where staff posted it
(posts), its reach per channel and the monthly content report (reach), and their console pages (views).
The accounts themselves, and the texts' rules, live in channels_social, which imports no release."""
