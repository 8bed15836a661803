import { Link, useLocation } from "react-router";
import { usePageTitle } from "../../components/usePageTitle";

export function NotFoundPage() {
  usePageTitle("Page not found");
  const { pathname } = useLocation();
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{pathname}</code>. Use the navigation above, or go to{" "}
        <Link to="/videos">video generation</Link>.
      </p>
    </div>
  );
}
