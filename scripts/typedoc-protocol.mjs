// A typedoc plugin for the `protocol` namespace (the runtime's generated wire types, re-exported by
// lib/protocol/public.ts): the reference keeps only the protocol types the rest of the public API
// reaches, directly or through other protocol types, so every signature that returns one links to
// it, without a thousand unrelated pages. The generated files carry the runtime's own comments
// where it has them; an undocumented one gets a note saying where it comes from, so the
// notDocumented check still holds for the SDK's own code.
import { Comment, Converter, makeRecursiveVisitor, ReflectionKind } from "typedoc";

const NAMESPACE = "protocol";
const NOTE = "Part of the runtime's wire protocol, generated from `codex app-server generate-ts` (the runtime documents no more).";

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const { project } = context;
    const protocol = project.getReflectionsByKind(ReflectionKind.Namespace).find((reflection) => reflection.name === NAMESPACE);
    if (!protocol) return;
    const members = new Set(protocol.children ?? []);
    /** The protocol member a reflection belongs to, if it is inside the namespace. */
    const memberOf = (reflection) => {
      for (let current = reflection; current; current = current.parent) if (members.has(current)) return current;
      return undefined;
    };
    const reached = new Set();
    const queue = [];
    const reach = (target) => {
      const member = target && memberOf(target);
      if (member && !reached.has(member)) {
        reached.add(member);
        queue.push(member);
      }
    };
    const visitType = (type) =>
      type?.visit(
        makeRecursiveVisitor({
          reference: (reference) => reach(reference.reflection),
          reflection: (literal) => visitReflection(literal.declaration),
        }),
      );
    /** Follows every type a reflection and its descendants mention. */
    const visitReflection = (reflection, skip) => {
      if (reflection === skip) return;
      for (const type of [reflection.type, reflection.default, ...(reflection.extendedTypes ?? []), ...(reflection.implementedTypes ?? [])]) {
        if (type && typeof type === "object") visitType(type);
      }
      reflection.traverse((child) => visitReflection(child, skip));
    };
    visitReflection(project, protocol);
    while (queue.length > 0) visitReflection(queue.pop());

    for (const member of members) if (!reached.has(member)) project.removeReflection(member);
    const needsComment = ReflectionKind.Property | ReflectionKind.TypeAlias | ReflectionKind.Interface | ReflectionKind.Variable | ReflectionKind.Function | ReflectionKind.Method | ReflectionKind.Accessor | ReflectionKind.Enum | ReflectionKind.EnumMember;
    /** Gives each undocumented reflection of a protocol type, type literals at any depth included, the note. */
    const describe = (reflection) => {
      const documented = reflection.comment?.summary.some((part) => part.text.trim() !== "") || reflection.signatures?.some((signature) => signature.comment);
      if (!documented && reflection.kindOf(needsComment)) reflection.comment = new Comment([{ kind: "text", text: NOTE }]);
      for (const type of [reflection.type, ...(reflection.extendedTypes ?? [])]) {
        if (type && typeof type === "object") type.visit(makeRecursiveVisitor({ reflection: (literal) => describe(literal.declaration) }));
      }
      reflection.traverse(describe);
    };
    for (const member of reached) describe(member);
    if (!protocol.comment) {
      protocol.comment = new Comment([{ kind: "text", text: "The runtime's wire types that the SDK's API returns or accepts (generated; see lib/protocol/generated)." }]);
    }
  });
}
