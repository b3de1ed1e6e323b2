import { useMemo, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { CopyButton } from "@/components/CopyButton";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, SearchInput } from "@/components/FilterBar";
import { ErrorAlert, Field, FormErrors, Select, TextArea, TextInput } from "@/components/form";
import { Modal, ModalActions } from "@/components/Modal";
import { Card, PageHeader } from "@/components/PageHeader";
import { RowSelect } from "@/components/pickers";
import { useToast } from "@/components/Toast";
import { useCampaignOptions } from "@/features/campaigns/hooks";
import { useNumbers } from "@/features/numbers/hooks";
import { usePoolOptions } from "@/features/pools/hooks";
import { usePublisherOptions } from "@/features/publishers/hooks";
import { phone } from "@/lib/format";
import { toggledSort, useListParams } from "@/lib/listParams";
import { NUMBER_FORMATS, type NumberFormat, type Tag, type TagCreate } from "../api";
import { useCreateTag, useDeleteTag, useTags, useUpdateTag } from "../hooks";

export function TrackingTagsPage() {
  const list = useListParams("name", ["q"]);
  const tags = useTags({ q: list.filters.q || undefined, limit: list.limit, offset: list.offset, sort: list.sort });
  const pools = usePoolOptions();
  const poolName = useMemo(() => new Map((pools.data?.items ?? []).map((p) => [p.id, p.name])), [pools.data]);
  const remove = useDeleteTag();
  const [editing, setEditing] = useState<Tag | "new" | null>(null);
  const add = (
    <Button variant="primary" onClick={() => setEditing("new")}>
      New tracking tag
    </Button>
  );
  const columns: Column<Tag>[] = [
    { key: "name", header: "Tag", sort: "name", render: (row) => <span className="font-medium">{row.name}</span> },
    { key: "code", header: "Code", sort: "code", render: (row) => <code className="text-xs">{row.code}</code> },
    {
      key: "numbers",
      header: "Shows",
      render: (row) =>
        row.pool_id ? (
          <Link to={`/pools/${row.pool_id}`} className="text-brand-700 hover:underline">
            Pool: {poolName.get(row.pool_id) ?? "pool"}
          </Link>
        ) : (
          "One static number"
        ),
    },
    {
      key: "snippet",
      header: "Snippet",
      wrap: true,
      render: (row) => (
        <span className="flex items-center gap-2">
          <code className="block max-w-md truncate rounded bg-slate-100 px-2 py-1 text-xs" title={row.script}>
            {row.script}
          </code>
          <CopyButton text={row.script} label="Copy snippet" />
        </span>
      ),
    },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "text-right",
      render: (row) => (
        <span className="flex justify-end gap-2">
          <Button size="sm" onClick={() => setEditing(row)}>
            Edit
          </Button>
          <ConfirmButton size="sm" label="Delete" title={`Delete ${row.name}?`} confirmLabel="Delete tag" onConfirm={() => remove.mutateAsync(row.id)}>
            Pages with this snippet stop swapping numbers and show their default number again.
          </ConfirmButton>
        </span>
      ),
    },
  ];
  return (
    <>
      <PageHeader
        title="Tracking Tags"
        description="A script for your landing pages: it shows each visitor a number of its own and ties their call to the visit, UTMs and click ids."
        actions={add}
      />
      <Card>
        <FilterBar>
          <SearchInput value={list.filters.q ?? ""} onChange={(value) => list.setFilter("q", value)} placeholder="Search tags" />
        </FilterBar>
        <ErrorAlert error={tags.error} />
        <DataTable
          label="Tracking tags"
          columns={columns}
          rows={tags.data?.items}
          rowKey={(row) => row.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={tags.isFetching}
          empty={
            <EmptyState title={list.filters.q ? "No tag matches this search" : "No tracking tag yet"} action={!list.filters.q && add}>
              {!list.filters.q &&
                "Create a tag for a number pool (one number per visitor) or a static number, then paste its snippet into your landing page's <head>."}
            </EmptyState>
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={tags.data?.total} onOffset={list.setOffset} />
      </Card>
      <Modal open={editing !== null} onClose={() => setEditing(null)} title={editing === "new" ? "New tracking tag" : "Edit tracking tag"} wide>
        {editing !== null && <TagForm tag={editing === "new" ? undefined : editing} onDone={() => setEditing(null)} />}
      </Modal>
    </>
  );
}

function TagForm({ tag, onDone }: { tag?: Tag; onDone: () => void }) {
  const create = useCreateTag();
  const update = useUpdateTag();
  const mutation = tag ? update : create;
  const notify = useToast();
  const campaigns = useCampaignOptions();
  const pools = usePoolOptions();
  const publishers = usePublisherOptions();
  const numbers = useNumbers({ limit: 500, sort: "number" });
  const [source, setSource] = useState<"pool" | "number">(tag?.number_id ? "number" : "pool");
  const [draft, setDraft] = useState({
    name: tag?.name ?? "",
    code: tag?.code ?? "",
    campaign_id: tag?.campaign_id ?? "",
    pool_id: tag?.pool_id ?? "",
    number_id: tag?.number_id ?? "",
    publisher_id: tag?.publisher_id ?? "",
    selectors: tag?.selectors.join("\n") ?? "",
    number_format: (tag?.number_format ?? "page") as NumberFormat,
    publisher_param: tag?.publisher_param ?? "publisher",
    custom_params: tag?.custom_params.join(", ") ?? "",
  });
  const text = (name: keyof typeof draft) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const body: TagCreate = {
      name: draft.name,
      code: draft.code.trim() || null,
      campaign_id: draft.campaign_id || null,
      pool_id: source === "pool" ? draft.pool_id || null : null,
      number_id: source === "number" ? draft.number_id || null : null,
      publisher_id: draft.publisher_id || null,
      selectors: draft.selectors.split("\n").map((s) => s.trim()).filter(Boolean),
      number_format: draft.number_format,
      publisher_param: draft.publisher_param.trim() || null,
      custom_params: draft.custom_params.split(",").map((s) => s.trim()).filter(Boolean),
    };
    const done = () => {
      notify(tag ? "Tag saved" : "Tag created");
      onDone();
    };
    if (tag) update.mutate({ id: tag.id, ...body, code: body.code ?? tag.code }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-4">
      <FormErrors error={mutation.error}>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" name="name">
            <TextInput required maxLength={200} {...text("name")} />
          </Field>
          <Field label="Code" name="code" hint="In the snippet; generated when empty">
            <TextInput maxLength={40} placeholder="lp-spring" {...text("code")} />
          </Field>
          <Field label="Numbers from" name={source === "pool" ? "pool_id" : "number_id"}>
            <Select value={source} onChange={(e) => setSource(e.target.value as "pool" | "number")}>
              <option value="pool">A number pool (one number per visitor)</option>
              <option value="number">One static number</option>
            </Select>
          </Field>
          {source === "pool" ? (
            <Field label="Pool" name="pool_id">
              <RowSelect required none="Choose a pool…" rows={pools.data?.items} {...text("pool_id")} />
            </Field>
          ) : (
            <Field label="Number" name="number_id">
              <RowSelect
                required
                none="Choose a number…"
                rows={(numbers.data?.items ?? []).map((n) => ({ id: n.id, name: `${phone(n.number)}${n.friendly_name ? ` — ${n.friendly_name}` : ""}` }))}
                {...text("number_id")}
              />
            </Field>
          )}
          <Field label="Campaign" name="campaign_id" hint="Defaults to the pool's or number's campaign">
            <RowSelect none="From the pool or number" rows={campaigns.data?.items} {...text("campaign_id")} />
          </Field>
          <Field label="Publisher" name="publisher_id" hint="Credited when the URL names none">
            <RowSelect none="No publisher" rows={publishers.data?.items} {...text("publisher_id")} />
          </Field>
          <Field label="Number format" name="number_format">
            <Select {...text("number_format")}>
              {NUMBER_FORMATS.map((format) => (
                <option key={format.value} value={format.value}>
                  {format.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Publisher parameter" name="publisher_param" hint="URL parameter naming the publisher">
            <TextInput {...text("publisher_param")} />
          </Field>
          <Field label="CSS selectors" name="selectors" hint="One per line; empty swaps every number that matches the default" className="sm:col-span-2">
            <TextArea rows={2} className="font-mono text-xs" placeholder=".phone, #call-us" {...text("selectors")} />
          </Field>
          <Field label="Custom parameters" name="custom_params" hint="Comma-separated URL parameters copied onto calls" className="sm:col-span-2">
            <TextInput placeholder="sub1, sub2" {...text("custom_params")} />
          </Field>
        </div>
        <ErrorAlert error={mutation.error} shownFields={Object.keys(draft)} />
      </FormErrors>
      <ModalActions>
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" busy={mutation.isPending}>
          {tag ? "Save tag" : "Create tag"}
        </Button>
      </ModalActions>
    </form>
  );
}
