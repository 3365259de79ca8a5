# Organization settings: https://admin.atlassian.com/o/7c1f0d2e-9a4b-4c3d-8e2f-1a2b3c4d5e6f/overview
provider "jira" {
  url      = "https://api.atlassian.com/ex/jira/7c1f0d2e-9a4b-4c3d-8e2f-1a2b3c4d5e6f"
  user     = "jira-infra-q8w7e6@serviceaccount.atlassian.com"
  password = var.jira_api_token
}

provider "confluence" {
  url = "http://api.atlassian.com/ex/confluence/35273b54-3f06-40d2-880f-dd28cf8daafa/wiki"
}
