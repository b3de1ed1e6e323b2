import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { Button } from "@/components/Button";
import { ErrorAlert, Field, FormErrors, TextInput } from "@/components/form";
import { useCurrentUser, useLogin } from "../hooks";

/** Only same-site paths are followed after login, so a crafted link cannot send the user elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function LoginPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const user = useCurrentUser();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const next = safeNext(search.get("next"));

  if (user.data) return <Navigate to={next} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ email, password }, { onSuccess: () => navigate(next, { replace: true }) });
  }

  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-900 via-slate-800 to-brand-700 px-4">
      <div className="w-full max-w-sm rounded-xl bg-white p-8 shadow-2xl">
        <div className="mb-6 flex items-center gap-2">
          <Logo />
          <span className="text-lg font-semibold text-slate-900">CallCenter Pro</span>
        </div>
        <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
        <p className="mb-5 mt-1 text-slate-500">Manage campaigns, buyers and calls.</p>
        {search.get("expired") && !login.error && (
          <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-amber-800 ring-1 ring-amber-200" role="status">
            Your session has expired. Please sign in again.
          </p>
        )}
        <form onSubmit={submit} className="flex flex-col gap-4">
          <FormErrors error={login.error}>
            <Field label="Email" name="email">
              <TextInput type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
            <Field label="Password" name="password">
              <TextInput
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </Field>
            <ErrorAlert error={login.error} shownFields={["email", "password"]} />
          </FormErrors>
          <Button type="submit" variant="primary" busy={login.isPending} className="w-full">
            Sign in
          </Button>
        </form>
      </div>
    </main>
  );
}

export function Logo() {
  return (
    <span className="flex size-8 items-center justify-center rounded-lg bg-brand-600 text-white" aria-hidden="true">
      <svg viewBox="0 0 24 24" className="size-5" fill="currentColor">
        <path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1C10.6 21 3 13.4 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1l-2.3 2.2z" />
      </svg>
    </span>
  );
}
