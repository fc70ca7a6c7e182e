#include "soft_device.h"

#include <cerrno>
#include <cstring>

#include "addon_data.h"
#include "engine_loader.h"
#include "js_args.h"
#include "queue_core.h"
#include "soft_queue.h"

namespace wd {

constexpr double kMaxWorkers = 256;
constexpr double kMaxSpinMicros = 1000000;

Napi::Function SoftDevice::Init(Napi::Env env) {
  return DefineClass(env, "SoftDevice",
                     {
                         CheckedAccessor<SoftDevice, &SoftDevice::GetWorkers>("workers"),
                         CheckedAccessor<SoftDevice, &SoftDevice::GetOpcodes>("opcodes"),
                         CheckedAccessor<SoftDevice, &SoftDevice::GetFeatures>("features"),
                         CheckedAccessor<SoftDevice, &SoftDevice::GetClosed>("closed"),
                         InstanceMethod<&SoftDevice::OpenQueue>("openQueue"),
                         InstanceMethod<&SoftDevice::LoadEngine>("loadEngine"),
                         InstanceMethod<&SoftDevice::Execute>("execute"),
                         InstanceMethod<&SoftDevice::Close>("close"),
                     });
}

SoftDevice::SoftDevice(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SoftDevice>(info) {
  Napi::Env env = info.Env();
  if (!TagInstance<SoftDevice>(info)) {
    ThrowError(env, "SoftDevice: cannot tag the instance");
    return;
  }
  Napi::Object opts;
  double workers = 0, spin = 0;
  if (!GetOptions(env, info[0], "SoftDevice: `options`", &opts) ||
      !GetIntOption(env, opts, "SoftDevice: options", "workers", 1, kMaxWorkers, -1, &workers) ||
      !GetIntOption(env, opts, "SoftDevice: options", "spinMicros", 0, kMaxSpinMicros, 50, &spin))
    return;
  DeviceConfig config;
  config.workers = uint32_t(workers);
  config.spin_micros = uint32_t(spin);
  std::string error;
  core_ = DeviceCore::Create(config, &error);
  if (!core_) {
    ThrowError(env, "SoftDevice: " + error);
    return;
  }
  workers_ = config.workers;
  AddonData::Get(env)->TrackDevice(core_);
}

bool SoftDevice::CheckOpen(Napi::Env env, const char* method) {
  if (core_ && !closed_) return true;
  return ThrowError(env, std::string("SoftDevice.") + method + ": the device is closed");
}

Napi::Value SoftDevice::GetWorkers(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), workers_);
}

Napi::Value SoftDevice::GetOpcodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint32_t> ops;
  if (core_) ops = core_->engines().Opcodes();
  Napi::Array a = Napi::Array::New(env, ops.size());
  for (size_t i = 0; i < ops.size(); i++) a.Set(uint32_t(i), double(ops[i]));
  return a;
}

Napi::Value SoftDevice::GetFeatures(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), kSoftFeatures);
}

Napi::Value SoftDevice::GetClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), closed_ || !core_);
}

Napi::Value SoftDevice::OpenQueue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object opts;
  double entries = 0;
  if (!GetOptions(env, info[0], "SoftDevice.openQueue: `options`", &opts) ||
      !GetIntOption(env, opts, "SoftDevice.openQueue: options", "sqEntries", WD_RING_MIN_ENTRIES,
                    WD_RING_MAX_ENTRIES, -1, &entries))
    return env.Undefined();
  if (!ValidSqEntries(uint64_t(entries))) {
    ThrowRange(env, "SoftDevice.openQueue: options.sqEntries must be a power of two in 1.." +
                        std::to_string(WD_RING_MAX_ENTRIES));
    return env.Undefined();
  }
  Napi::Value cb = opts.Get("onCompletion");
  if (env.IsExceptionPending()) return env.Undefined();
  if (!cb.IsFunction()) {
    ThrowType(env, "SoftDevice.openQueue: options.onCompletion must be a function");
    return env.Undefined();
  }
  if (!CheckOpen(env, "openQueue")) return env.Undefined();
  std::shared_ptr<Ring> ring = Ring::Create(uint32_t(entries), kSoftFeatures);
  if (!ring) {
    ThrowError(env, std::string("SoftDevice.openQueue: cannot map the rings: ") + strerror(errno));
    return env.Undefined();
  }
  std::shared_ptr<QueueCore> core = QueueCore::Create(core_, ring);
  if (!core) {
    ThrowError(env, std::string("SoftDevice.openQueue: cannot create the eventfd: ") + strerror(errno));
    return env.Undefined();
  }
  QueueInit init{core, cb.As<Napi::Function>()};
  return SoftQueue::New(env, AddonData::Get(env), &init);
}

Napi::Value SoftDevice::LoadEngine(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || info[0].As<Napi::String>().Utf8Value().empty()) {
    ThrowType(env, "SoftDevice.loadEngine: `library` must be a non-empty string (path of a shared library)");
    return env.Undefined();
  }
  if (!info[1].IsString() || info[1].As<Napi::String>().Utf8Value().empty()) {
    ThrowType(env, "SoftDevice.loadEngine: `symbol` must be a non-empty string (a wd_engine_get_fn)");
    return env.Undefined();
  }
  if (!CheckOpen(env, "loadEngine")) return env.Undefined();
  EngineEntry entry;
  std::string error;
  if (!wd::LoadEngine(core_->engines(), info[0].As<Napi::String>().Utf8Value(),
                      info[1].As<Napi::String>().Utf8Value(), &entry, &error)) {
    ThrowError(env, "SoftDevice.loadEngine: " + error);
    return env.Undefined();
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", entry.name);
  o.Set("firstOpcode", double(entry.first_opcode));
  o.Set("lastOpcode", double(entry.last_opcode));
  return o;
}

Napi::Value SoftDevice::Execute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint8_t *sqe_bytes, *cqe_bytes;
  size_t sqe_len, cqe_len;
  if (!GetViewBytes(env, info[0], "SoftDevice.execute: `sqe`", sizeof(wd_sqe), &sqe_bytes, &sqe_len) ||
      !GetViewBytes(env, info[1], "SoftDevice.execute: `cqe`", sizeof(wd_cqe), &cqe_bytes, &cqe_len) ||
      !CheckOpen(env, "execute"))
    return env.Undefined();
  // Copy in and out: the views need not be aligned, and may alias.
  wd_sqe sqe;
  wd_cqe cqe;
  std::memcpy(&sqe, sqe_bytes, sizeof sqe);
  ExecuteSqe(core_->engines(), sqe, &cqe);
  std::memcpy(cqe_bytes, &cqe, sizeof cqe);
  return env.Undefined();
}

Napi::Value SoftDevice::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_ || !core_) return env.Undefined();
  closed_ = true;
  AddonData* data = AddonData::Get(env);
  // Copy: closing does not remove entries now (that happens in Finish on the
  // loop), but stay safe against any change of that rule.
  std::vector<SoftQueue*> queues(data->open_queues.begin(), data->open_queues.end());
  for (SoftQueue* q : queues)
    if (q->core() && &q->core()->device() == core_.get()) q->CloseFromDevice();
  core_->Stop();  // joins the workers; they finish the batches they hold
  return env.Undefined();
}

}  // namespace wd
