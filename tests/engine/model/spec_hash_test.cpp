#include "engine/model/spec_hash.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;

TEST_CASE("spec hash: one canonical form, secrets as keyed digests, changes in words") {
    ContainerSpec s;
    s.image = "demo/web:latest";
    s.hostname = "web-one";
    s.env = {{"LOG", "info"}, {"DB_PASSWORD", "hunter2"}};
    s.ports = {PortSpec{8080, "tcp", true, "", 8080}, PortSpec{9000, "tcp", false, "", 0}};
    s.mounts = {MountSpec{"/srv/data", "/data", false, true}};
    const auto c = canonical_spec(s, {"DB_PASSWORD"}, "key");
    CHECK(c.at("env.LOG") == "info");
    CHECK(c.at("env.DB_PASSWORD").starts_with("hmac-sha256:"));
    CHECK(c.at("port.8080/tcp") == "published on *");
    CHECK(c.at("port.9000/tcp") == "exposed");
    CHECK(c.at("mount./data") == "bind /srv/data rw");
    CHECK(spec_hash(c) == spec_hash(*canonical_from_json(canonical_to_json(c))));
    CHECK(spec_hash(c).size() == 64);
    // Another key: another digest, so another hash (the key is the project's).
    CHECK(spec_hash(canonical_spec(s, {"DB_PASSWORD"}, "other")) != spec_hash(c));
    ContainerSpec t = s;
    t.env["LOG"] = "debug";
    t.env["DB_PASSWORD"] = "swordfish";
    t.env["NEW"] = "1";
    CHECK(describe_changes(c, canonical_spec(t, {"DB_PASSWORD"}, "key")) ==
          std::vector<std::string>{"env DB_PASSWORD changed (sensitive)", "env LOG \"info\" → \"debug\"", "env NEW added: \"1\""});
    CHECK_FALSE(canonical_from_json("[1]"));
    CHECK(spec_labels(c).at(labels::kSpecHash) == spec_hash(c));
}

TEST_CASE("spec hash: a secrets or configs file is in the spec with its content, a secret's content keyed and never shown") {
    ContainerSpec s;
    s.image = "demo/web:latest";
    s.mounts = {MountSpec{"/p/db.txt", "/run/secrets/db", true, true}, MountSpec{"/p/nginx.conf", "/etc/nginx/nginx.conf", true, true}};
    s.mounts[0].as = "secret", s.mounts[0].digest = "aa11";
    s.mounts[1].as = "config", s.mounts[1].digest = "bb22";
    const auto c = canonical_spec(s, {}, "key");
    CHECK(c.at("mount./run/secrets/db").starts_with("secret /p/db.txt hmac-sha256:"));
    CHECK(c.at("mount./etc/nginx/nginx.conf") == "config /p/nginx.conf sha256:bb22");
    ContainerSpec t = s;
    t.mounts[0].digest = "cc33";
    t.mounts[1].digest = "dd44";
    CHECK(describe_changes(c, canonical_spec(t, {}, "key")) ==
          std::vector<std::string>{"mount /etc/nginx/nginx.conf \"config /p/nginx.conf sha256:bb22\" → \"config /p/nginx.conf sha256:dd44\"",
                                   "mount /run/secrets/db changed \"secret /p/db.txt (sensitive content)\""});
    // The same file as a plain read-only volume is another spec (on a swarm it is a bind, not a secret).
    ContainerSpec plain = s;
    plain.mounts[0].as.clear();
    CHECK(canonical_spec(plain, {}, "key").at("mount./run/secrets/db") == "bind /p/db.txt ro");
}
