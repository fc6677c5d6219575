import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="max-w-md text-sm text-zinc-500">This page does not exist, or it belongs to a workspace you are not a member of.</p>
      <ButtonLink href="/" variant="secondary">
        Go to your workspace
      </ButtonLink>
    </main>
  );
}
