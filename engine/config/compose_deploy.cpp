// A compose service's deploy keys -> its [containers.NAME] lines
// (engine/config/compose_translator.hpp): replicas, resources, restart
// policy, and what target swarm reads (mode, placement, update_config, rollback_config).
#include "engine/config/compose_translator.hpp"

#include <set>

namespace dockerops::config_detail {

void Translator::deploy(Service& s, const YNode& d) {
    const std::string where = "services." + s.name + ".deploy";
    if (!d.is_map()) {
        d_.error(d.pos, where + " must be a mapping, not " + a_kind(d));
        return;
    }
    static const std::set<std::string> swarm_only{"endpoint_mode", "labels"};
    for (std::size_t k = 0; k < d.entries.size(); ++k) {
        const auto& [key, v] = d.entries[k];
        const SourcePos at = d.key_pos[k];
        if (key == "replicas") {
            if (!is_digits(v.value) || v.value.size() > 4) d_.error(v.pos, where + ".replicas must be a whole number up to 1000");
            else s.replicas = std::stoi(v.value);
        } else if (key == "mode") {
            if (v.value == "global") {
                c(s, "mode", q(v), v);   // target docker: one container, with a note in the plan
                if (const YNode* r = d.get("replicas"))
                    d_.error(r->pos, where + ".replicas goes with mode replicated, not global (docker stack deploy refuses it too)");
            } else if (v.value != "replicated") {
                refuse(v.pos, where + ".mode", "'" + v.value + "' is not mapped (replicated and global are)");
            }
        } else if (key == "resources") {
            resources(s, v, where + ".resources");
        } else if (key == "placement") {
            placement(s, v, where + ".placement");
        } else if (key == "update_config" || key == "rollback_config") {
            rolls(s, key == "update_config" ? "update" : "rollback", v, where + "." + key);
        } else if (key == "restart_policy") {
            const YNode* cond = v.get("condition");
            const std::string cv = cond ? cond->value : "any";
            std::string policy = cv == "none" ? "no" : cv == "on-failure" ? "on-failure" : cv == "any" ? "always" : "";
            if (policy.empty()) refuse(cond->pos, where + ".restart_policy.condition", "'" + cv + "' is not none, on-failure or any");
            else {
                if (const YNode* m = v.get("max_attempts"); m && policy == "on-failure") policy += ":" + m->value;
                c(s, "restart", q(policy), v);
            }
            for (const auto& [rk, rv] : v.entries)
                if (rk == "delay" || rk == "window")
                    d_.warning(v.key_at(rk), where + ".restart_policy." + rk + ": the engine's own restart timing is used (compose does the same on one engine)");
        } else if (swarm_only.count(key)) {
            d_.warning(at, where + "." + key + ": a Swarm setting, not used on target docker (compose does the same)");
        } else {
            refuse(at, where + "." + key, "not mapped");
        }
    }
}

// deploy.placement.constraints: one constraint on the node's host name or a
// node label is `node` ("node.hostname == a" -> "a", "node.labels.k == v" ->
// "label:k=v"); others (node.role, !=, several) are refused at their line.
void Translator::placement(Service& s, const YNode& p, const std::string& where) {
    if (!p.is_map()) {
        d_.error(p.pos, where + " must be a mapping, not " + a_kind(p));
        return;
    }
    for (std::size_t k = 0; k < p.entries.size(); ++k) {
        const auto& [key, v] = p.entries[k];
        if (key != "constraints") {
            refuse(p.key_pos[k], where + "." + key, "not mapped (constraints are)");
            continue;
        }
        if (!v.is_seq() || v.items.size() != 1 || !v.items[0].is_scalar()) {
            refuse(v.pos, where + ".constraints", "one constraint is mapped (node = \"NAME\" or \"label:KEY=VALUE\"), not several");
            continue;
        }
        std::string text;
        for (char ch : v.items[0].value)
            if (ch != ' ') text += ch;
        const auto eq = text.find("==");
        const std::string lhs = text.substr(0, eq), rhs = eq == std::string::npos ? "" : text.substr(eq + 2);
        if (eq != std::string::npos && lhs == "node.hostname" && !rhs.empty()) c(s, "node", q(rhs), v.items[0]);
        else if (eq != std::string::npos && lhs.starts_with("node.labels.") && lhs.size() > 12 && !rhs.empty())
            c(s, "node", q("label:" + lhs.substr(12) + "=" + rhs), v.items[0]);
        else
            refuse(v.items[0].pos, where + ".constraints",
                   "'" + v.items[0].value + "' is not mapped (node.hostname == NAME and node.labels.KEY == VALUE are)");
    }
}

// deploy.update_config and rollback_config: how a service's tasks roll
// (target swarm), as `update` and `rollback`.
void Translator::rolls(Service& s, const std::string& as, const YNode& u, const std::string& where) {
    if (!u.is_map()) {
        d_.error(u.pos, where + " must be a mapping, not " + a_kind(u));
        return;
    }
    std::string table;
    for (std::size_t k = 0; k < u.entries.size(); ++k) {
        const auto& [key, v] = u.entries[k];
        if (key != "parallelism" && key != "delay" && key != "order" && key != "failure_action" && key != "monitor") {
            refuse(u.key_pos[k], where + "." + key, "not mapped (parallelism, delay, order, failure_action and monitor are)");
            continue;
        }
        table += (table.empty() ? "" : ", ") + key + " = " + (key == "parallelism" ? number_or_string(v) : q(v));
    }
    if (!table.empty()) c(s, as, "{ " + table + " }", u);
}

void Translator::resources(Service& s, const YNode& r, const std::string& where) {
    for (std::size_t k = 0; k < r.entries.size(); ++k) {
        const auto& [kind, v] = r.entries[k];
        if (kind != "limits" && kind != "reservations") {
            refuse(r.key_pos[k], where + "." + kind, "not mapped");
            continue;
        }
        for (std::size_t j = 0; j < v.entries.size(); ++j) {
            const auto& [key, val] = v.entries[j];
            const std::string what = where + "." + kind + "." + key;
            if (kind == "limits" && key == "memory") c(s, "memory", number_or_string(val), val);
            else if (kind == "limits" && key == "cpus") c(s, "cpus", val.value, val);
            else if (kind == "limits" && key == "pids") c(s, "pids_limit", val.value, val);
            else if (kind == "reservations" && key == "memory") c(s, "mem_reservation", number_or_string(val), val);
            else if (kind == "reservations" && key == "cpus")
                d_.warning(v.key_pos[j], what + ": the engine has no CPU reservation for a container (compose sets none either)");
            else refuse(v.key_pos[j], what, "not mapped");
        }
    }
}

}  // namespace dockerops::config_detail
