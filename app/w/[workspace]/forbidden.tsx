import { ForbiddenPage } from "@/app/_components/forbidden-page";

// The 403 page inside the workspace's shell (the sidebar stays); `forbidden()` in a page renders it with HTTP 403.
export default function Forbidden() {
  return <ForbiddenPage />;
}
