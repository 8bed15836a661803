import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const backend = "http://127.0.0.1:8000";

export default defineConfig({
  // Django serves the build through whitenoise under STATIC_URL.
  base: "/static/",
  plugins: [react()],
  build: {
    outDir: "dist",
    manifest: true,
    rollupOptions: { input: "index.html" },
    // Rapier's compat build inlines its WASM (about 4 MB) and is loaded lazily by /physics only;
    // the initial bundle is what the size budget in bench/ watches.
    chunkSizeWarningLimit: 5000,
  },
  server: {
    proxy: {
      "/api": backend,
      "/admin": backend,
      "/health": backend,
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
