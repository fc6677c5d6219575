import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import { HydrationMarker } from "@/components/hydration-marker";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Batchpoint", template: "%s · Batchpoint" },
  description: "Self-hosted batch inference: endpoints, deployments and resumable batch jobs.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {children}
        <Toaster position="bottom-right" richColors closeButton />
        <HydrationMarker />
      </body>
    </html>
  );
}
