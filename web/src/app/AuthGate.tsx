import { useQueryClient } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ApiError, onSessionExpired } from "@/api/client";
import { Loading } from "@/components/Spinner";
import { useCurrentUser } from "@/features/auth/hooks";

/** Pages behind it need a session; when it expires mid-work the user is sent to log in and back. */
export function AuthGate({ children }: { children: ReactNode }) {
  const user = useCurrentUser();
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const here = location.pathname + location.search;

  useEffect(
    () =>
      onSessionExpired(() => {
        client.clear();
        navigate(`/login?expired=1&next=${encodeURIComponent(window.location.pathname + window.location.search)}`, {
          replace: true,
        });
      }),
    [client, navigate],
  );

  if (user.isPending) return <Loading what="Opening the console" />;
  if (user.error) {
    if (user.error instanceof ApiError && user.error.status === 401) {
      const target = here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
      return <Navigate to={target} replace />;
    }
    return (
      <div className="p-10 text-center text-red-700" role="alert">
        {user.error.message}
      </div>
    );
  }
  return <>{children}</>;
}
