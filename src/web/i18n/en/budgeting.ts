/** Participatory budgeting: processes, proposals, review and progress (web/budgeting). */
export const budgeting = {
  "social.notification.budget_phase": "A participatory budget you take part in moved on:",
  "social.notification.budget_project": "A moderator reviewed your proposal:",
};
