#include "adapters/open311/channel_keys.hpp"

#include "engine/cases/audit_chain.hpp"

namespace outpost::open311 {
namespace {

constexpr auto kCacheTtl = std::chrono::seconds(5);
constexpr std::size_t kMaxCached = 10000;
constexpr Millis kWindow = 60'000;

}  // namespace

Result<std::optional<KeyHolder>> ChannelKeys::find(std::string_view api_key) {
  const std::string hash = sha256_hex(api_key);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(hash); it != cache_.end() && it->second.expires > now) {
      return it->second.holder;
    }
  }
  auto user = users_.find_user_by_token_hash(hash);
  if (!user) return user.error();
  std::optional<KeyHolder> holder;
  if (user.value() && user.value()->role == kChannelRole) {
    auto channel = channels_.find_channel_by_user(user.value()->id);
    if (!channel) return channel.error();
    if (channel.value() && !channel.value()->revoked_at) {
      const User& u = *user.value();
      holder = KeyHolder{*channel.value(), Actor{u.id, u.username, u.role, u.department, u.grid}};
    }
  }
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[hash] = Cached{holder, now + kCacheTtl};
  return holder;
}

long ChannelKeys::admit(const Channel& c, Millis now) {
  std::lock_guard lock(mutex_);
  Window& w = windows_[c.id];
  if (now - w.start >= kWindow) w = Window{now, 0};
  if (w.used >= c.rate_per_minute) return static_cast<long>((w.start + kWindow - now + 999) / 1000);
  ++w.used;
  return 0;
}

void ChannelKeys::forget() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

}  // namespace outpost::open311
