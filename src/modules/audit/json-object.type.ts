import { JsonType, type Platform, type TransformContext } from "@mikro-orm/core";

/**
 * A JSON column read back as an object on every database. MySQL's driver hands JSON columns
 * over already parsed, so MikroORM's JsonType passes them through untouched; MariaDB stores
 * JSON as LONGTEXT and the same driver returns a string, which then reached GraphQL's
 * JSONObject scalar and failed. Strings are parsed here, objects kept as they are.
 */
export class JsonObjectType extends JsonType {
  override convertToJSValue(value: string | unknown, platform: Platform, context?: TransformContext): unknown {
    const converted = super.convertToJSValue(value as string, platform, context);
    return typeof converted === "string" ? JSON.parse(converted) : converted;
  }
}
