"""OAuth 2.0 in the window: the token dialog, authorization worker and the test's token step."""
