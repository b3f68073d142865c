import type { CorsMatchers } from "../test/integrations.js";
export * from "../test/integrations.js";

declare module "expect" {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends CorsMatchers<R> {}
}
declare global {
  namespace jest {
    interface Matchers<R, T = {}> extends CorsMatchers<R> {}
  }
}
