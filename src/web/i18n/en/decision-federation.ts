/** Decisions hosted on another server, as a member here sees them (web/decision-federation). */
export const decisionFederation = {
  "decisionsElsewhere.hostedOn": "Hosted on {host}: counted there.",
  "decisionsElsewhere.closed": "Voting has closed.",
  "decisionsElsewhere.voters": "Votes so far: {count}.",
  "decisionsElsewhere.weighted": "Each co-op's vote weighs its active members.",
  "decisionsElsewhere.youVoted": "Your vote was sent to {host}.",
  "decisionsElsewhere.forCoop": "Cast our co-op's vote (you are its delegate)",
  "decisionsElsewhere.sent": "Your vote was sent; the results will update when {host} counts it.",
  "decisionsElsewhere.outcome": "Outcome",
  "decisionsElsewhere.problem.not-found": "There is no such decision.",
  "decisionsElsewhere.problem.closed": "This decision is closed.",
  "decisionsElsewhere.problem.not-a-member": "Only members of the group vote in it.",
  "decisionsElsewhere.problem.not-a-delegate": "Only our co-op's delegates cast its vote.",
  "decisionsElsewhere.problem.already-voted":
    "You have voted already, and this decision does not allow changes.",
  "decisionsElsewhere.problem.invalid-choice": "The ballot does not fit this decision's rule.",
  "decisionsElsewhere.mandate": "Carry our assembly's result",
  "decisionsElsewhere.mandateField": "Our closed decision",
  "decisionsElsewhere.mandateHint":
    "The co-op's vote follows the result of a decision closed here, option by option (matched by name).",
  "decisionsElsewhere.mandateButton": "Cast the co-op's vote from it",
  "decisionsElsewhere.problem.not-closed": "That decision is not closed yet.",
  "decisionsElsewhere.problem.no-mandate": "Choose one of our closed decisions.",
  "decisionsElsewhere.problem.incompatible":
    "That result cannot be carried into this decision (other options or another kind of vote): vote by hand.",
} as const;
