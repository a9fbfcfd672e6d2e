// Internal to src/media: owning pointers for FFmpeg objects and FFmpeg's
// error text, shared by the decoder (media_file.cc) and the generator of
// test media (synthetic_media.cc).
#ifndef TANTALIO_MEDIA_FFMPEG_UTIL_H_
#define TANTALIO_MEDIA_FFMPEG_UTIL_H_

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>

namespace tantalio::ffmpeg {

struct CodecFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFree>;

// FFmpeg's text for an AVERROR code.
inline std::string AvError(int err) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buffer, sizeof(buffer));
  return buffer;
}

}  // namespace tantalio::ffmpeg

#endif  // TANTALIO_MEDIA_FFMPEG_UTIL_H_
