/**
 * The frontend's folder boundaries, checked by `npm run lint:deps` (part of `npm run typecheck`).
 *
 * - pages/<page>/ is one page: it may use shared code, never another page's files. Code that two
 *   pages need moves out of pages/ (scene code to scene/, widgets to components/, API calls next to
 *   the data they fetch).
 * - Shared code (api/, components/, media/, scene/, editor/) knows no page; only the router
 *   (app/AppRoutes.tsx) names pages.
 * - three.js and Rapier stay out of the first bundle (FRONTEND.md: the engine loads only with the
 *   editor): only editor/ imports them, only the simulation pages import editor/, and the router
 *   loads those pages with import().
 * - No import cycles.
 */
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-page-imports-another-page",
      comment: "A page may not import another page's files; move what both need to a shared folder (src/scene/, src/components/, ...).",
      severity: "error",
      from: { path: "^src/pages/([^/]+)/" },
      to: { path: "^src/pages/", pathNot: "^src/pages/$1/" },
    },
    {
      name: "shared-code-knows-no-page",
      comment: "Only the router (src/app/AppRoutes.tsx) imports pages; shared code must not depend on one.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/pages/", "^src/app/AppRoutes\\.tsx$"] },
      to: { path: "^src/pages/" },
    },
    {
      name: "engines-only-in-the-editor",
      comment: "three.js and Rapier are imported only by src/editor/ (types and tests aside), so they load with the editor.",
      severity: "error",
      from: { pathNot: ["^src/editor/", "\\.test\\.tsx?$"] },
      to: { path: "(^|/)node_modules/(three|@dimforge/rapier3d-compat)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "editor-only-behind-lazy-pages",
      comment: "src/editor/ (three.js, Rapier) is used by the lazily loaded simulation pages only.",
      severity: "error",
      from: { pathNot: ["^src/editor/", "^src/pages/(physics|scenes|simulations)/", "\\.test\\.tsx?$"] },
      to: { path: "^src/editor/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "simulation-pages-load-lazily",
      comment: "The router loads /physics, /scenes and /simulations with import(), keeping them out of the first bundle.",
      severity: "error",
      from: { path: "^src/(app|main)" },
      to: { path: "^src/pages/(physics|scenes|simulations)/", dependencyTypesNot: ["dynamic-import"] },
    },
    {
      name: "no-circular",
      comment: "Import cycles make load order matter and hide which module owns what.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves to a file or an installed package.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/api/schema\\.d\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".d.ts"],
    },
  },
};
