import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { AppRoutes, prefetchFirstPage } from "./app/AppRoutes";
import { fetchMe, makeQueryClient, meKey, ME_FRESH_MS } from "./app/session";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("The page has no #root element.");

const queryClient = makeQueryClient();
// The session check and the first page's list go out together, before React first renders.
void queryClient.prefetchQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: ME_FRESH_MS });
prefetchFirstPage(queryClient, window.location);

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
