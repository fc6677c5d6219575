import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import { HydrationMarker } from "@/components/hydration-marker";
import { THEME_SCRIPT } from "@/components/shell/theme-script";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Batchpoint", template: "%s · Batchpoint" },
  description: "Self-hosted batch inference: endpoints, deployments and resumable batch jobs.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script sets a class on <html> before hydration, so React must not complain about it.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours, no user input */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans">
        {children}
        <Toaster position="bottom-right" richColors closeButton theme="system" />
        <HydrationMarker />
      </body>
    </html>
  );
}
