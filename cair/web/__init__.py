"""HTTP: the codec endpoint now; applicant, representative and staff pages later."""
