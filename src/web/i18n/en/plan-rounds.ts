/** The plan-round pages (src/web/plan-rounds): rounds, the plan, a co-op's part, the diagnosis. */
export const planRounds = {
  "social.notification.plan_round": "A plan round published your co-op's part to answer:",
};
