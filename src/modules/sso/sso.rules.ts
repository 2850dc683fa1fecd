import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow } from "../../graphql/rules.js";

export const ssoRules: ModuleRules = {
  // The sign-in page lists the buttons before anyone signs in.
  Query: { signInProviders: rootField({ rule: allow, scope: "any" }) },
  SignInProvider: { "*": allow },
};
