import { useState, type FormEvent } from "react";
import { ApiError } from "@/api/client";
import { Badge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { CopyButton } from "@/components/CopyButton";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { ErrorAlert, Field, FormErrors, Select, TextInput } from "@/components/form";
import { Modal, ModalActions } from "@/components/Modal";
import { Card, PageHeader } from "@/components/PageHeader";
import { useToast } from "@/components/Toast";
import { useCurrentUser } from "@/features/auth/hooks";
import { label, when } from "@/lib/format";
import { ROLES, type ApiKey, type ApiKeyCreated, type Role, type User } from "../api";
import { useApiKeys, useCreateApiKey, useCreateUser, useDeleteUser, useRevokeApiKey, useUpdateUser, useUsers } from "../hooks";

export function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Your profile, the account's users and its API keys." />
      <div className="grid gap-5">
        <Profile />
        <Users />
        <ApiKeys />
      </div>
    </>
  );
}

function Profile() {
  const user = useCurrentUser().data;
  if (!user) return null;
  return (
    <Card title="Profile">
      <dl className="grid gap-4 p-4 sm:grid-cols-4">
        {[
          ["Name", user.name || "—"],
          ["Email", user.email],
          ["Role", label(user.role)],
          ["Account", user.account_name],
        ].map(([name, value]) => (
          <div key={name}>
            <dt className="text-xs text-slate-500">{name}</dt>
            <dd className="font-medium text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

function forbidden(error: unknown) {
  return error instanceof ApiError && error.status === 403;
}

function Users() {
  const [offset, setOffset] = useState(0);
  const users = useUsers(offset);
  const me = useCurrentUser().data;
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const notify = useToast();
  const [adding, setAdding] = useState(false);
  if (forbidden(users.error)) {
    return (
      <Card title="Users">
        <p className="p-4 text-slate-500">Your role ({me?.role}) cannot manage users. Ask an owner or admin.</p>
      </Card>
    );
  }
  const columns: Column<User>[] = [
    { key: "email", header: "Email", render: (row) => <span className="font-medium">{row.email}</span> },
    { key: "name", header: "Name", render: (row) => row.name || "—" },
    {
      key: "role",
      header: "Role",
      render: (row) =>
        row.id === me?.id ? (
          label(row.role)
        ) : (
          <select
            aria-label={`Role of ${row.email}`}
            value={row.role}
            className="rounded-md py-1 pl-2 pr-7 ring-1 ring-slate-300"
            onChange={(event) =>
              update.mutate({ id: row.id, role: event.target.value as Role }, { onSuccess: () => notify("Role changed") })
            }
          >
            {ROLES.map((role) => (
              <option key={role.value} value={role.value}>
                {role.label}
              </option>
            ))}
          </select>
        ),
    },
    { key: "status", header: "Status", render: (row) => <Badge tone={row.is_active ? "green" : "gray"}>{row.is_active ? "Active" : "Deactivated"}</Badge> },
    { key: "login", header: "Last login", render: (row) => when(row.last_login_at) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "text-right",
      render: (row) =>
        row.id === me?.id ? (
          <span className="text-xs text-slate-400">You</span>
        ) : (
          <span className="flex justify-end gap-2">
            <Button size="sm" onClick={() => update.mutate({ id: row.id, is_active: !row.is_active })}>
              {row.is_active ? "Deactivate" : "Reactivate"}
            </Button>
            <ConfirmButton size="sm" label="Delete" title={`Delete ${row.email}?`} confirmLabel="Delete user" onConfirm={() => remove.mutateAsync(row.id)}>
              The user can no longer sign in and their sessions end.
            </ConfirmButton>
          </span>
        ),
    },
  ];
  return (
    <Card
      title="Users"
      actions={
        <Button size="sm" variant="primary" onClick={() => setAdding(true)}>
          Add user
        </Button>
      }
    >
      <ErrorAlert error={users.error ?? update.error} />
      <DataTable label="Users" columns={columns} rows={users.data?.items} rowKey={(row) => row.id} loading={users.isFetching} empty={<EmptyState title="No user" />} />
      <Pagination offset={offset} limit={50} total={users.data?.total} onOffset={setOffset} />
      <Modal open={adding} onClose={() => setAdding(false)} title="Add user">
        {adding && <AddUser onDone={() => setAdding(false)} />}
      </Modal>
    </Card>
  );
}

function AddUser({ onDone }: { onDone: () => void }) {
  const create = useCreateUser();
  const notify = useToast();
  const [draft, setDraft] = useState({ email: "", name: "", password: "", role: "manager" as Role });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(draft, { onSuccess: () => { notify("User added"); onDone(); } });
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-4">
      <FormErrors error={create.error}>
        <Field label="Email" name="email">
          <TextInput type="email" required value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.target.value })} />
        </Field>
        <Field label="Name" name="name">
          <TextInput maxLength={200} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </Field>
        <Field label="Password" name="password" hint="At least 8 characters; share it safely">
          <TextInput type="password" autoComplete="new-password" required value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} />
        </Field>
        <Field label="Role" name="role" hint={ROLES.find((r) => r.value === draft.role)?.hint}>
          <Select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })}>
            {ROLES.map((role) => (
              <option key={role.value} value={role.value}>
                {role.label}
              </option>
            ))}
          </Select>
        </Field>
        <ErrorAlert error={create.error} shownFields={["email", "name", "password", "role"]} />
      </FormErrors>
      <ModalActions>
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" busy={create.isPending}>
          Add user
        </Button>
      </ModalActions>
    </form>
  );
}

function ApiKeys() {
  const [offset, setOffset] = useState(0);
  const keys = useApiKeys(offset);
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const me = useCurrentUser().data;
  if (forbidden(keys.error)) {
    return (
      <Card title="API keys">
        <p className="p-4 text-slate-500">Your role ({me?.role}) cannot manage API keys.</p>
      </Card>
    );
  }
  const columns: Column<ApiKey>[] = [
    { key: "name", header: "Name", render: (row) => <span className="font-medium">{row.name}</span> },
    { key: "prefix", header: "Key", render: (row) => <code className="text-xs">{row.prefix}…</code> },
    { key: "role", header: "Role", render: (row) => label(row.role) },
    { key: "created", header: "Created", render: (row) => when(row.created_at) },
    { key: "used", header: "Last used", render: (row) => when(row.last_used_at) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "text-right",
      render: (row) =>
        row.revoked_at ? (
          <Badge>Revoked</Badge>
        ) : (
          <ConfirmButton size="sm" label="Revoke" title={`Revoke ${row.name}?`} confirmLabel="Revoke key" onConfirm={() => revoke.mutateAsync(row.id)}>
            Programs using this key stop working at once. This cannot be undone.
          </ConfirmButton>
        ),
    },
  ];
  return (
    <Card
      title="API keys"
      actions={
        <Button size="sm" variant="primary" onClick={() => setCreating(true)}>
          New API key
        </Button>
      }
    >
      <ErrorAlert error={keys.error} />
      <DataTable
        label="API keys"
        columns={columns}
        rows={keys.data?.items}
        rowKey={(row) => row.id}
        loading={keys.isFetching}
        empty={
          <EmptyState title="No API key yet">
            API keys let your own programs use the API with <code>Authorization: Bearer &lt;key&gt;</code>.
          </EmptyState>
        }
      />
      <Pagination offset={offset} limit={50} total={keys.data?.total} onOffset={setOffset} />
      <Modal open={creating} onClose={() => setCreating(false)} title="New API key">
        {creating && <NewApiKey onDone={() => setCreating(false)} />}
      </Modal>
    </Card>
  );
}

function NewApiKey({ onDone }: { onDone: () => void }) {
  const create = useCreateApiKey();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  if (created) {
    return (
      <div className="flex flex-col gap-3">
        <p className="text-slate-600">Copy the key now: it is shown only once.</p>
        <div className="flex items-center gap-2 rounded-md bg-slate-900 px-3 py-2">
          <code className="flex-1 break-all text-xs text-emerald-300" data-testid="new-api-key">
            {created.key}
          </code>
          <CopyButton text={created.key} />
        </div>
        <ModalActions>
          <Button variant="primary" onClick={onDone}>
            Done
          </Button>
        </ModalActions>
      </div>
    );
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({ name, role: role || null }, { onSuccess: setCreated });
      }}
      className="flex flex-col gap-4"
    >
      <FormErrors error={create.error}>
        <Field label="Name" name="name" hint="What uses it, e.g. Reporting script">
          <TextInput required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Role" name="role" hint="Never above your own">
          <Select value={role} onChange={(e) => setRole(e.target.value as Role | "")}>
            <option value="">Same as mine</option>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </Select>
        </Field>
        <ErrorAlert error={create.error} shownFields={["name", "role"]} />
      </FormErrors>
      <ModalActions>
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create key
        </Button>
      </ModalActions>
    </form>
  );
}
