import { NavLink, Outlet, useLocation } from "react-router";
import { useApiRoot, useMe } from "./session";

const LINKS: { to: string; label: string }[] = [
  { to: "/videos", label: "Videos" },
  { to: "/images", label: "Images" },
  { to: "/audio", label: "Audio" },
  // One gallery for every kind (its kind filter); /image-gallery is its image view.
  { to: "/gallery", label: "Gallery" },
  { to: "/physics", label: "Physics" },
  { to: "/scenes", label: "Scenes" },
  { to: "/simulations", label: "Simulations" },
  { to: "/settings", label: "Settings" },
];

export function Layout() {
  const me = useMe();
  const root = useApiRoot();
  const user = me.data;
  const { pathname } = useLocation();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="simpoc home">
          simpoc
        </NavLink>
        <nav aria-label="Main">
          <ul>
            {LINKS.map((link) => (
              <li key={link.to}>
                {/* "/" is the video page too, so Videos is where you are there; /image-gallery is the Gallery. */}
                {(link.to === "/videos" && pathname === "/") || (link.to === "/gallery" && pathname === "/image-gallery") ? (
                  <NavLink to={link.to} className="active" aria-current="page">
                    {link.label}
                  </NavLink>
                ) : (
                  <NavLink to={link.to}>{link.label}</NavLink>
                )}
              </li>
            ))}
            {user?.is_staff ? (
              <li>
                <a href="/admin/">Admin</a>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="who">
          {root.data?.demo_mode ? (
            <span className="demo-badge" role="note">
              Demo mode: generations come from the built-in Replicate emulator
            </span>
          ) : null}
          {user ? (
            <span className="signed-in" data-testid="signed-in-user">
              Signed in as <strong>{user.username}</strong>
            </span>
          ) : null}
        </div>
      </header>
      <main id="main" className="content">
        <Outlet />
      </main>
    </div>
  );
}
