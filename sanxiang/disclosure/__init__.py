"""事前公开 (issue 10 §1): an agency's before-enforcement disclosure as versioned data."""
