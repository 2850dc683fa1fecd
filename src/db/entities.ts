import { AuditEvent } from "../modules/audit/audit-event.entity.js";
import { RefreshToken } from "../modules/auth/refresh-token.entity.js";
import { Session } from "../modules/auth/session.entity.js";
import { User } from "../modules/users/user.entity.js";

/** The explicit entity list: no folder scanning, so the build and the tests see the same model. */
export const entities = [User, Session, RefreshToken, AuditEvent];
