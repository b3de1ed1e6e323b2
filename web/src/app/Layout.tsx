import { useEffect, useRef, useState } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { Logo } from "@/features/auth/components/LoginPage";
import { useCurrentUser, useLogout } from "@/features/auth/hooks";
import { Icon } from "./icons";

/** Ringba's information architecture: what a campaign manager works with, top to bottom. */
export const NAVIGATION = [
  { to: "/", label: "Dashboard", icon: "dashboard", end: true },
  { to: "/campaigns", label: "Campaigns", icon: "campaigns" },
  { to: "/buyers", label: "Buyers & Targets", icon: "buyers" },
  { to: "/publishers", label: "Publishers", icon: "publishers" },
  { to: "/rtb", label: "RTB Bidders", icon: "rtb" },
  { to: "/numbers", label: "Numbers", icon: "numbers" },
  { to: "/pools", label: "Number Pools", icon: "pools" },
  { to: "/tracking-tags", label: "Tracking Tags", icon: "tags" },
  { to: "/integrations", label: "Integrations", icon: "integrations" },
  { to: "/calls", label: "Call Logs", icon: "calls" },
  { to: "/settings", label: "Settings", icon: "settings" },
] as const;

function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5 px-3">
      {NAVIGATION.map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          end={"end" in item ? item.end : false}
          onClick={onNavigate}
          className={({ isActive }) =>
            `flex items-center gap-3 rounded-md px-3 py-2 font-medium transition-colors ${
              isActive ? "bg-white/10 text-white" : "text-slate-400 hover:bg-white/5 hover:text-white"
            }`
          }
        >
          <Icon name={item.icon} />
          {item.label}
        </NavLink>
      ))}
    </nav>
  );
}

function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <div className="flex h-full flex-col gap-6 bg-nav py-5">
      <div className="flex items-center gap-2 px-6">
        <Logo />
        <span className="font-semibold text-white">CallCenter Pro</span>
      </div>
      <Navigation onNavigate={onNavigate} />
    </div>
  );
}

/** The account the console works in. One account per user today; the menu is where switching goes. */
function AccountMenu() {
  const user = useCurrentUser().data;
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (event: MouseEvent) => {
      if (ref.current && !ref.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("click", close);
    return () => document.removeEventListener("click", close);
  }, []);
  if (!user) return null;
  return (
    <div className="relative" ref={ref}>
      <button
        type="button"
        onClick={() => setOpen((value) => !value)}
        className="flex items-center gap-2 rounded-md px-2.5 py-1.5 ring-1 ring-slate-200 hover:bg-slate-50"
        aria-haspopup="menu"
        aria-expanded={open}
      >
        <span className="text-xs text-slate-500">Account</span>
        <span className="max-w-48 truncate font-medium text-slate-800" data-testid="account-name">
          {user.account_name}
        </span>
        <span aria-hidden="true" className="text-slate-400">▾</span>
      </button>
      {open && (
        <div role="menu" className="absolute left-0 z-30 mt-1 w-64 rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200">
          <div className="px-3 py-1.5 text-xs font-semibold uppercase text-slate-400">Your accounts</div>
          <div role="menuitemradio" aria-checked="true" className="flex items-center justify-between px-3 py-2">
            <span className="truncate font-medium">{user.account_name}</span>
            <span className="text-brand-600">✓</span>
          </div>
        </div>
      )}
    </div>
  );
}

function UserMenu() {
  const user = useCurrentUser().data;
  const logout = useLogout();
  const navigate = useNavigate();
  if (!user) return null;
  return (
    <div className="flex items-center gap-3">
      <NavLink to="/settings" className="hidden text-right sm:block">
        <span className="block font-medium leading-tight text-slate-800">{user.name || user.email}</span>
        <span className="block text-xs capitalize leading-tight text-slate-500">{user.role}</span>
      </NavLink>
      <button
        type="button"
        className="rounded-md px-2.5 py-1.5 font-medium text-slate-600 ring-1 ring-slate-200 hover:bg-slate-50"
        onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login", { replace: true }) })}
        disabled={logout.isPending}
      >
        Sign out
      </button>
    </div>
  );
}

export function Layout() {
  const [drawer, setDrawer] = useState(false);
  const location = useLocation();
  useEffect(() => setDrawer(false), [location.pathname]);
  return (
    <div className="min-h-screen lg:pl-60">
      <aside className="fixed inset-y-0 left-0 z-20 hidden w-60 lg:block">
        <Sidebar />
      </aside>
      {drawer && (
        <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-label="Navigation">
          <div className="absolute inset-0 bg-slate-900/50" onClick={() => setDrawer(false)} />
          <div className="absolute inset-y-0 left-0 w-64">
            <Sidebar onNavigate={() => setDrawer(false)} />
          </div>
        </div>
      )}
      <header className="sticky top-0 z-10 flex h-14 items-center justify-between gap-3 border-b border-slate-200 bg-white/95 px-4 backdrop-blur lg:px-8">
        <div className="flex items-center gap-2">
          <button
            type="button"
            className="rounded-md p-1.5 text-slate-600 hover:bg-slate-100 lg:hidden"
            onClick={() => setDrawer(true)}
            aria-label="Open navigation"
          >
            <Icon name="menu" />
          </button>
          <AccountMenu />
        </div>
        <UserMenu />
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6 lg:px-8">
        <Outlet />
      </main>
    </div>
  );
}
