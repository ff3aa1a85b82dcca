/**
 * Errors the agents layer throws or reports. `UserError` is misconfiguration, thrown where it is
 * made; `ModelBehaviorError` is the model doing something the agent does not allow (calling a
 * tool it does not have), reported as an `error` event while the session carries on.
 */
export class AgentsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UserError extends AgentsError {}

export class ModelBehaviorError extends AgentsError {}
