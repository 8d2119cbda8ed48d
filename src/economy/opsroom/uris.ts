/**
 * The opsroom's addresses. An indicator's and an alarm's URI is also its page:
 * a browser gets HTML, a server asking for ActivityStreams gets the document
 * (federation/indicators/serve.ts).
 */
export const indicatorUri = (origin: string, id: string) => `${origin}/opsroom/indicators/${id}`;
export const alarmUri = (origin: string, id: string) => `${origin}/opsroom/alarms/${id}`;
export const escalationUri = (origin: string, id: string) => `${origin}/opsroom/escalations/${id}`;
export const opsroomPath = (groupName: string) => `/groups/${groupName}/opsroom`;
