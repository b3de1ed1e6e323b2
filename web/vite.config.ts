import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build goes into the Python package, which serves it (src/callcenter/web/mount.py).
// `npm run dev` proxies the API to a server started with `make run` (or `callcenter serve`).
export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { alias: { "@": decodeURIComponent(new URL("./src", import.meta.url).pathname) } },
  build: {
    outDir: "../src/callcenter/web/dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:5000", "/js": "http://127.0.0.1:5000" },
  },
});
