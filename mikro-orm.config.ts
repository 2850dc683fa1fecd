import "reflect-metadata";
import { loadConfig } from "./src/config.js";
import { ormOptions } from "./src/db/orm.options.js";

/** The MikroORM CLI's entry point; the server builds the same options from its own config. */
export default ormOptions(loadConfig());
