import { Card, Skeleton } from "@/components/ui/card";

export default function Loading() {
  return (
    <div aria-busy="true" aria-label="Loading job" className="space-y-6">
      <Skeleton className="h-4 w-40" />
      <div>
        <Skeleton className="mb-2 h-7 w-80" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      <Card className="space-y-4 p-5">
        <Skeleton className="h-2.5 w-full" />
        <div className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-10" />
          ))}
        </div>
        <div className="grid grid-cols-2 gap-4 sm:grid-cols-5">
          {Array.from({ length: 5 }, (_, i) => (
            <Skeleton key={i} className="h-8" />
          ))}
        </div>
      </Card>
      <Card className="space-y-3 p-5">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-5 w-full" />
        ))}
      </Card>
    </div>
  );
}
