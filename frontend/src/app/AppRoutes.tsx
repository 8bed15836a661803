import type { QueryClient } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { Loading } from "../components/Feedback";
import { MediaDetailPage } from "../pages/detail/MediaDetailPage";
import { GalleryPage } from "../pages/gallery/GalleryPage";
import { prefetchGalleryList } from "../pages/gallery/galleryList";
import { GeneratePage } from "../pages/generate/GeneratePage";
import { LoginPage } from "../pages/login/LoginPage";
import { NotFoundPage } from "../pages/notfound/NotFoundPage";
import { SettingsPage } from "../pages/settings/SettingsPage";
import { Layout } from "./Layout";
import { fetchMe, ME_FRESH_MS, meKey } from "./session";
import { RequireSignIn } from "./RequireSignIn";

// The simulation pages load on demand: the editor will pull in three.js and Rapier, which must
// stay out of the first bundle.
const PhysicsPage = lazy(() => import("../pages/physics/PhysicsPage"));
const ScenesPage = lazy(() => import("../pages/scenes/ScenesPage"));
const SimulationsPage = lazy(() => import("../pages/simulations/SimulationsPage"));

/** The session check and the first page's data requests, sent together at start-up, before React
 * first renders (the page then finds them in flight or done). Only the gallery's list, for now. The
 * sign-in page asks for neither. */
export function prefetchFirstPage(client: QueryClient, location: { pathname: string; search: string }): void {
  if (location.pathname.startsWith("/login")) return;
  void client.prefetchQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: ME_FRESH_MS });
  prefetchGalleryList(client, location.pathname, location.search);
}

function Lazy({ children }: { children: React.ReactNode }) {
  return <Suspense fallback={<Loading label="Loading the page…" />}>{children}</Suspense>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireSignIn>
            <Layout />
          </RequireSignIn>
        }
      >
        <Route index element={<GeneratePage kind="video" />} />
        <Route path="videos" element={<GeneratePage kind="video" />} />
        <Route path="images" element={<GeneratePage kind="image" />} />
        <Route path="audio" element={<GeneratePage kind="audio" />} />
        <Route path="video/:id" element={<MediaDetailPage kind="video" />} />
        <Route path="image/:id" element={<MediaDetailPage kind="image" />} />
        <Route path="audio/:id" element={<MediaDetailPage kind="audio" />} />
        <Route path="gallery" element={<GalleryPage kind="video" />} />
        <Route path="image-gallery" element={<GalleryPage kind="image" />} />
        <Route path="physics" element={<Lazy><PhysicsPage /></Lazy>} />
        <Route path="scenes" element={<Lazy><ScenesPage /></Lazy>} />
        <Route path="simulations" element={<Lazy><SimulationsPage /></Lazy>} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
