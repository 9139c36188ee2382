// The web client's build: Preact from client/ into dist/client, which the
// Worker serves as static assets. No inline script may reach the page: the
// CSP in client/public/_headers allows scripts from 'self' only.
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  root: "client",
  publicDir: "public",
  plugins: [preact()],
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
    target: "es2022",
    // The polyfill is an inline script; every browser we target supports modulepreload.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs into scripts or styles; keep them files.
    assetsInlineLimit: 0,
  },
  server: {
    // `vite` for UI work against a running `wrangler dev` (npm start) on 8787.
    proxy: { "/api": { target: "http://127.0.0.1:8787", ws: true, changeOrigin: false } },
  },
});
