/**
 * lthc's one change to tfjs-node's binding source before `lthc setup` builds it: list-valued
 * string and type attributes (`fused_ops`, `TArgs`). tfjs-node 4.22's `AssignOpAttr` passes
 * lists only for int, float and bool attributes, so ops such as oneDNN's fused convolution
 * (`_MklNativeFusedConv2D`, used by src/runtime/ops/tensorflow-kernels.ts) cannot be called;
 * with the patch they can. Everything else in the binding is untouched, and a binding built
 * without the patch still works: the fused kernels are probed at run time and lthc falls back
 * to the separate ops.
 */

/** Part of the built binding's cache key: bump it whenever the patch changes. */
export const BINDING_PATCH_REVISION = 1;

const STRING_CASE = `    case TF_ATTR_STRING: {
      // NOTE: String attribute values do not have to be utf8 encoded strings
      // (could be arbitrary byte sequences).
`;

const STRING_LIST = `      if (IsArray(env, nstatus, &js_value)) {
        // lthc: list(string) attributes (e.g. fused_ops).
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<std::string> strings(length);
        std::vector<const void *> values(length);
        std::vector<size_t> lengths(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = GetStringParam(env, element, strings[i]);
          ENSURE_NAPI_OK(env, nstatus);
          values[i] = strings[i].data();
          lengths[i] = strings[i].size();
        }
        TFE_OpSetAttrStringList(tfe_op, attr_name, values.data(), lengths.data(),
                                static_cast<int>(length));
        break;
      }
`;

const TYPE_CASE = `    case TF_ATTR_TYPE: {
`;

const TYPE_LIST = `      if (IsArray(env, nstatus, &js_value)) {
        // lthc: list(type) attributes (e.g. TArgs).
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<TF_DataType> types(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = napi_get_value_int32(env, element,
                                         reinterpret_cast<int32_t *>(&types[i]));
          ENSURE_NAPI_OK(env, nstatus);
        }
        TFE_OpSetAttrTypeList(tfe_op, attr_name, types.data(),
                              static_cast<int>(length));
        break;
      }
`;

/** The blocks the patch inserts, in order (for tests: the patch only inserts). */
export const INSERTED_BLOCKS = [STRING_LIST, TYPE_LIST];

/**
 * tfjs_backend.cc with list support added to the string and type cases of `AssignOpAttr`.
 * Throws when the source does not have the expected shape (another tfjs-node version): the
 * patch is written against tfjs-node 4.22.0, which lthc pins.
 */
export function patchBindingSource(source: string): string {
  if (source.includes("lthc: list(string)")) return source;
  for (const anchor of [STRING_CASE, TYPE_CASE]) {
    if (source.split(anchor).length !== 2) {
      throw new Error(
        `tfjs_backend.cc has not exactly one '${anchor.trim().split("\n")[0]}': cannot add list attributes`,
      );
    }
  }
  const withVector = source.includes("#include <vector>") ? source : `#include <vector>\n${source}`;
  return withVector.replace(STRING_CASE, STRING_CASE + STRING_LIST).replace(TYPE_CASE, TYPE_CASE + TYPE_LIST);
}
