import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { User } from "../users/user.entity.js";
import { UpdateMyProfileInput } from "./my-profile.types.js";

@Resolver()
export class MyProfileResolver {
  @Mutation(() => User, { description: "Changes the caller's own profile (their display name); audited. Returns the updated account." })
  updateMyProfile(@Arg("input", () => UpdateMyProfileInput, { description: "The changes." }) input: UpdateMyProfileInput, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.myProfile.update(ctx, input);
  }
}
