import { Card, Skeleton } from "@/components/ui/card";

/**
 * The list pages' loading state. Used only by route groups around list pages: a loading boundary
 * above a detail page would stream its shell first, and a missing resource would then answer
 * HTTP 200 with the not-found page instead of a real 404.
 */
export function PageSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading">
      <Skeleton className="mb-2 h-7 w-48" />
      <Skeleton className="mb-6 h-4 w-80" />
      <Card className="space-y-3 p-5">
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} className="h-5 w-full" />
        ))}
      </Card>
    </div>
  );
}
