import "server-only";
import nodemailer from "nodemailer";
import { getEnv } from "@/lib/env";
import { logError } from "@/lib/log";

/** Mails an invitation when SMTP_URL is set; returns whether a mail was sent. Never throws. */
export async function sendInvitationEmail(opts: { to: string; workspaceName: string; url: string; role: string }): Promise<boolean> {
  const { SMTP_URL, MAIL_FROM } = getEnv();
  if (!SMTP_URL) return false;
  try {
    await nodemailer.createTransport(SMTP_URL).sendMail({
      from: MAIL_FROM,
      to: opts.to,
      subject: `You are invited to ${opts.workspaceName} on Batchpoint`,
      text: `You have been invited to join ${opts.workspaceName} as ${opts.role}.\n\nAccept: ${opts.url}\n\nThe link works once and expires in 7 days.`,
    });
    return true;
  } catch (e) {
    logError("invitation email failed", e);
    return false;
  }
}
