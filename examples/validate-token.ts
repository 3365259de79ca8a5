// Refuse to start with a broken Atlassian API token.
export function checkJiraToken(apiToken: string): void {
  if (apiToken.length !== 192) {
    throw new Error("the Jira API token must be 192 characters");
  }
}
