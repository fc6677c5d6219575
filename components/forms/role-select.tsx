"use client";

import { useState } from "react";
import { SelectField } from "@/components/ui/field";
import { ROLE_DESCRIPTIONS, ROLES } from "@/lib/authz/permissions";

const OPTIONS = ROLES.map((r) => ({ value: r, label: r }));

/** The role picker of invitations and API tokens: the chosen role's one-line description underneath. */
export function RoleSelect({ errors, defaultRole = "scientist" }: { errors?: string[]; defaultRole?: (typeof ROLES)[number] }) {
  const [role, setRole] = useState<(typeof ROLES)[number]>(defaultRole);
  return (
    <SelectField
      label="Role"
      name="role"
      value={role}
      onChange={(e) => setRole(e.target.value as (typeof ROLES)[number])}
      options={OPTIONS}
      errors={errors}
      hint={ROLE_DESCRIPTIONS[role]}
    />
  );
}
