"use client";

import { useEffect } from "react";

/**
 * Sets `data-hydrated` on <html> once React has hydrated the page. Browser tests wait for it after a
 * full page load, so they never act on server-rendered HTML whose event handlers are not attached
 * yet (typing into a form too early gets reset; a select changed too early fires nothing).
 */
export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}
