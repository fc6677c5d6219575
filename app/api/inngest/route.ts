import { serve } from "inngest/next";
import { inngest } from "@/lib/events/client";
import { functions } from "@/inngest/functions";

export const dynamic = "force-dynamic";
// Scoring a mini-batch may take as long as its timeout allows.
export const maxDuration = 3600;

export const { GET, POST, PUT } = serve({ client: inngest, functions });
