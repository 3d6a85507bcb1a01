"""The safe channel to the citizen (issue 10, "a safe channel").

- `contacts`: contact points the job centre has verified with the citizen;
- `codes`: one-time codes, sent to a verified contact point or handed over in person;
- `senders`: letters to the citizen (a link, never a health document): e-mail now, Digital Post later;
- `sms`: text-message backends chosen by SMS_BACKEND, as Django chooses mail backends;
- `documents`: the documents a citizen may open behind a signed link and a code (features register them);
- `views`: the citizen's page (link → code → document) and the consultant's contact page.
"""
