/// <reference types="vitest/config" />
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import { defineConfig, type ProxyOptions } from "vite";

const API_ORIGIN = process.env.DESKQL_API_ORIGIN ?? "https://localhost:4000";

// The dev server stands in for the API's own origin, so requests are rewritten to look
// same-origin (as they are in production, where the API serves frontend/dist itself).
// `secure: false` accepts the self-signed development certificate.
const toApi: ProxyOptions = {
  target: API_ORIGIN,
  changeOrigin: true,
  secure: false,
  configure(proxy) {
    proxy.on("proxyReq", (req) => {
      if (req.getHeader("origin")) req.setHeader("origin", API_ORIGIN);
    });
  },
};

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/graphql": toApi, "/auth": toApi, "/health": toApi },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "tests/**/*.test.ts"],
    setupFiles: ["./tests/setup.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
