"""Publishes the release notes page to Confluence."""
import os

import requests

CLOUD_ID = os.environ["ATLASSIAN_CLOUD_ID"]
# Scopes of the service account's token (see `atlcheck scopes --from-code .`).
SCOPES = ["read:confluence-content.all", "write:confluence-contents"]
PAGE_URL = f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}/rest/api/content/123456"

headers = {"Authorization": f"Bearer {os.environ['CONFLUENCE_API_TOKEN']}"}
page = requests.get(PAGE_URL, params={"expand": "body.storage"}, headers=headers)
# Which spaces can the bot see? (the v1 space listing, which Atlassian removed)
spaces = requests.get(f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}/wiki/rest/api/space", headers=headers)
