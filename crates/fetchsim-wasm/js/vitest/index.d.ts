import type { CorsMatchers } from "../test/integrations.js";
export * from "../test/integrations.js";

declare module "vitest" {
  interface Matchers<T = any> extends CorsMatchers<T> {}
}
